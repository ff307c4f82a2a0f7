package io.github.tribuoswa.sgd;

import org.tribuo.math.la.DenseMatrix;
import org.tribuo.math.la.DenseVector;
import org.tribuo.math.la.Matrix;
import org.tribuo.math.la.SGDVector;
import org.tribuo.math.la.Tensor;

/**
 * Reads and writes the parameters of a Tribuo SGD model as one flat weight vector, the form
 * {@link io.github.tribuoswa.averaging.WeightAverage} works on.
 * <p>
 * Values are read element by element through {@code get}, so the lazily regularised tensors of
 * {@link org.tribuo.math.optimisers.Pegasos} and {@link org.tribuo.math.optimisers.AdaGradRDA}
 * give their true values. Vectors are laid out in index order, matrices row by row, tensors
 * one after the other.
 */
public final class TensorWeights {

    private TensorWeights() {}

    /**
     * The total number of values in the tensors.
     * @param tensors Vectors and matrices.
     * @return The number of values.
     */
    public static int size(Tensor[] tensors) {
        long total = 0;
        for (Tensor t : tensors) {
            int[] shape = t.getShape();
            long n = 1;
            for (int d : shape) {
                n *= d;
            }
            total += n;
        }
        if (total > Integer.MAX_VALUE) {
            throw new IllegalArgumentException("Too many parameters for one flat array: " + total);
        }
        return (int) total;
    }

    /**
     * Copies the tensors' values into a new flat array.
     * @param tensors Vectors and matrices.
     * @return The flat weights.
     */
    public static double[] flatten(Tensor[] tensors) {
        double[] out = new double[size(tensors)];
        int pos = 0;
        for (Tensor t : tensors) {
            if (t instanceof SGDVector) {
                SGDVector v = (SGDVector) t;
                for (int i = 0; i < v.size(); i++) {
                    out[pos++] = v.get(i);
                }
            } else if (t instanceof Matrix) {
                Matrix m = (Matrix) t;
                for (int i = 0; i < m.getDimension1Size(); i++) {
                    for (int j = 0; j < m.getDimension2Size(); j++) {
                        out[pos++] = m.get(i, j);
                    }
                }
            } else {
                throw new IllegalArgumentException("Unsupported tensor type " + t.getClass().getName());
            }
        }
        return out;
    }

    /**
     * New dense tensors of the same shapes as {@code like}, holding the flat weights.
     * @param like Tensors giving the shapes.
     * @param flat The weights, of length {@link #size(Tensor[])}.
     * @return Dense vectors and matrices.
     */
    public static Tensor[] unflatten(Tensor[] like, double[] flat) {
        if (flat.length != size(like)) {
            throw new IllegalArgumentException("flat has length " + flat.length + ", the tensors hold " + size(like));
        }
        Tensor[] out = new Tensor[like.length];
        int pos = 0;
        for (int k = 0; k < like.length; k++) {
            if (like[k] instanceof SGDVector) {
                int n = ((SGDVector) like[k]).size();
                double[] values = new double[n];
                System.arraycopy(flat, pos, values, 0, n);
                pos += n;
                out[k] = DenseVector.createDenseVector(values);
            } else if (like[k] instanceof Matrix) {
                Matrix m = (Matrix) like[k];
                double[][] values = new double[m.getDimension1Size()][m.getDimension2Size()];
                for (double[] row : values) {
                    System.arraycopy(flat, pos, row, 0, row.length);
                    pos += row.length;
                }
                out[k] = DenseMatrix.createDenseMatrix(values);
            } else {
                throw new IllegalArgumentException("Unsupported tensor type " + like[k].getClass().getName());
            }
        }
        return out;
    }
}
